build-clang/main.o: kbd/main.c kbd/kbd.h

kbd/kbd.h:
