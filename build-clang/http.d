build-clang/http.o: kbd/http.c kbd/kbd.h

kbd/kbd.h:
