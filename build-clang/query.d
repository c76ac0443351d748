build-clang/query.o: kbd/query.c kbd/kbd.h kbd/tokenizer.h

kbd/kbd.h:

kbd/tokenizer.h:
