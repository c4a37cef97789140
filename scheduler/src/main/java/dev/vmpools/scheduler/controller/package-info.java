/**
 * The control loop: a work queue of graph nodes from which workers take planning groups (each planned by one
 * worker at a time), plan them, perform the plans and come back at the plan's next wake-up instant, after
 * contention, or after a back-off; level-based, whatever event brought a group in.
 */
package dev.vmpools.scheduler.controller;
