build-clang/metrics.o: kbd/metrics.c kbd/kbd.h

kbd/kbd.h:
