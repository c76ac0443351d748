build-clang/search.o: kbd/search.c kbd/kbd.h kbd/tokenizer.h

kbd/kbd.h:

kbd/tokenizer.h:
