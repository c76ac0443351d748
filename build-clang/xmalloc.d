build-clang/xmalloc.o: kbd/xmalloc.c kbd/kbd.h

kbd/kbd.h:
