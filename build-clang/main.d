build-clang/main.o: kbd/main.c kbd/kbd.h kbd/german.h

kbd/kbd.h:

kbd/german.h:
