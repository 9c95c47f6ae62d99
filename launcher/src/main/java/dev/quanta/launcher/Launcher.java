package dev.quanta.launcher;

public final class Launcher {
    public static void main(String[] args) {
        System.out.println("quanta up: not yet");
    }
}
