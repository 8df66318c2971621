FROM buildbase
SHELL ["/bin/sh" "-c"]
