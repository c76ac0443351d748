build-clang/cache.o: kbd/cache.c kbd/kbd.h

kbd/kbd.h:
