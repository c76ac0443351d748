build-clang/tokenizer.o: kbd/tokenizer.c kbd/tokenizer.h

kbd/tokenizer.h:
