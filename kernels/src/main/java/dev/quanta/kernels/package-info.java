package dev.quanta.kernels;
