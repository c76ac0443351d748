build-clang/config.o: kbd/config.c kbd/kbd.h

kbd/kbd.h:
