build-clang/store.o: kbd/store.c kbd/kbd.h kbd/tokenizer.h kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
