build-clang/synonyms.o: kbd/synonyms.c kbd/kbd.h kbd/tokenizer.h \
  kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
