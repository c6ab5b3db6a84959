"""Major administrative decisions (重大行政决策), State Council Decree No. 713."""
