build-clang/search.o: kbd/search.c kbd/kbd.h kbd/tokenizer.h kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
