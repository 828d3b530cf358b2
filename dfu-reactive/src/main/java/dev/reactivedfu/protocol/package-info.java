/**
 * The nRF5 secure DFU serial protocol as values: opcodes, result and extended error codes, requests and responses,
 * their byte codec for host and target, write sizing from the MTU, image CRCs and object boundaries.
 */
package dev.reactivedfu.protocol;
