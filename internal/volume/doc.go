// Package volume keeps named volumes: a directory of data per volume under wren's
// root (<root>/volumes/<name>/_data, as Docker lays it out) and its record (driver,
// options, labels, creation time). Which containers use a volume is asked of the caller.
package volume
