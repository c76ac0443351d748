build-clang/writer.o: kbd/writer.c kbd/kbd.h kbd/tokenizer.h kbd/german.h

kbd/kbd.h:

kbd/tokenizer.h:

kbd/german.h:
