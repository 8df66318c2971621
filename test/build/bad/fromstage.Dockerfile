FROM buildbase AS one
COPY --from=nosuchstage /x /x
