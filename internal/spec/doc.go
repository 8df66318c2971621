// Package spec is what a container is asked to be and what it runs as: the
// create request (docker run's flags or the API's body, decoded into Options,
// with its mounts, security and resource settings checked at create), and
// the OCI runtime spec built from that request and the image's config.
package spec
