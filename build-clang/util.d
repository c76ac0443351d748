build-clang/util.o: kbd/util.c kbd/kbd.h

kbd/kbd.h:
