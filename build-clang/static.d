build-clang/static.o: kbd/static.c kbd/kbd.h

kbd/kbd.h:
