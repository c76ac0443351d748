build-clang/store.o: kbd/store.c kbd/kbd.h kbd/tokenizer.h

kbd/kbd.h:

kbd/tokenizer.h:
