build-clang/hits.o: kbd/hits.c kbd/kbd.h

kbd/kbd.h:
