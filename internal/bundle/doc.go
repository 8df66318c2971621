// Package bundle is the contract between wren and wren-monitor: the bundle file
// that says what to run, the result file that says what became of it, and where
// the monitor binary is installed.
package bundle
