build-clang/writer.o: kbd/writer.c kbd/kbd.h

kbd/kbd.h:
