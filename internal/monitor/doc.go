// Package monitor is wren-monitor's work: it runs one container through
// internal/runtime, proxies its terminal and signals, and records its exit in the
// bundle's result file, so wren itself never has to stay up for a container.
package monitor
