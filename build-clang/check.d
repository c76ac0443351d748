build-clang/check.o: kbd/check.c kbd/kbd.h

kbd/kbd.h:
