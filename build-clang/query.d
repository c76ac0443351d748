build-clang/query.o: kbd/query.c kbd/kbd.h kbd/tokenizer.h kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
