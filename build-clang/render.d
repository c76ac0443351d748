build-clang/render.o: kbd/render.c kbd/kbd.h

kbd/kbd.h:
