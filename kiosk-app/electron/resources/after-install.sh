#!/bin/sh
# deb post-install: the shell reads its pairing from ~/.config/Kassa Kiosk/kiosk.json
# ({"hub": "http://<hub>:8750", "token": "dev_…"}); nothing else to set up system-wide.
exit 0
