build-clang/tokenizer.o: kbd/tokenizer.c kbd/tokenizer.h kbd/german.h

kbd/tokenizer.h:

kbd/german.h:
