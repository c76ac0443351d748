build-clang/buf.o: kbd/buf.c kbd/kbd.h

kbd/kbd.h:
