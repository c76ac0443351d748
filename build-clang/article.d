build-clang/article.o: kbd/article.c kbd/kbd.h

kbd/kbd.h:
