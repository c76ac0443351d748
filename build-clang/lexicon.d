build-clang/lexicon.o: kbd/lexicon.c kbd/kbd.h kbd/tokenizer.h \
  kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
