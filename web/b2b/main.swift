import App
import ArgumentParser
