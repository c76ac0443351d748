build-clang/import.o: kbd/import.c kbd/kbd.h

kbd/kbd.h:
