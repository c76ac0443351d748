build-clang/html.o: kbd/html.c kbd/kbd.h

kbd/kbd.h:
