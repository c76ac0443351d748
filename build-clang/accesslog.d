build-clang/accesslog.o: kbd/accesslog.c kbd/kbd.h

kbd/kbd.h:
