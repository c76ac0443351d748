build-clang/api.o: kbd/api.c kbd/kbd.h

kbd/kbd.h:
