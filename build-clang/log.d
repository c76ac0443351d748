build-clang/log.o: kbd/log.c kbd/kbd.h

kbd/kbd.h:
