build-clang/snapshot.o: kbd/snapshot.c kbd/kbd.h

kbd/kbd.h:
