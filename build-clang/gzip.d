build-clang/gzip.o: kbd/gzip.c kbd/kbd.h

kbd/kbd.h:
