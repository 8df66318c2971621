FROM buildbase
RUN true
FOO bar
