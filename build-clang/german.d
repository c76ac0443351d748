build-clang/german.o: kbd/german.c kbd/german.h

kbd/german.h:
