build-clang/import.o: kbd/import.c kbd/kbd.h kbd/tokenizer.h kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
