build-clang/route.o: kbd/route.c kbd/kbd.h

kbd/kbd.h:
