a.o: a.c /usr/include/stdio.h \
  b\ c.h
b.h:
