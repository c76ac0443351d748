build-clang/page.o: kbd/page.c kbd/kbd.h

kbd/kbd.h:
