build-clang/searchlog.o: kbd/searchlog.c kbd/kbd.h

kbd/kbd.h:
