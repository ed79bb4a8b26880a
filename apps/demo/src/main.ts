import "./styles.css";
import { startApp } from "./app/app.js";

startApp(document.getElementById("app")!);
