FROM buildbase
COPY ../x /x
