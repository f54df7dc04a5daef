package io.stampd.tools.bench;

import io.stampd.tools.bench.PdrResults.Config;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.internal.chartpart.Chart;

import java.nio.file.Path;
import java.util.Map;

/** Fig. a (paper Figs. 12-13): forwarding PDR with stampd attached but no STAMP traffic, vs the baseline. */
final class ZeroStampFigure extends Figure {
    ZeroStampFigure() {
        super("a", "fig-a-zero-stamp.png", PdrResults.FILE);
    }

    @Override
    Chart<?, ?> draw(Path csv) {
        PdrResults pdr = PdrResults.read(csv);
        Map<Config, Spread> ratios = pdr.ratioToBaseline(id());
        PdrBars bars = new PdrBars();
        PdrResults.pdrKpps(pdr.baselineRuns(id())).forEach((config, kpps) -> bars.add(config, kpps, ""));
        PdrResults.pdrKpps(pdr.stampdRuns(id())).forEach((config, kpps) -> bars.add(config, kpps,
                ratios.containsKey(config) ? ChartStyle.ratio(ratios.get(config)) + " baseline" : "no baseline in its round"));
        CategoryChart chart = ChartStyle.barChart("Fig. a — 0 % STAMP: forwarding PDR@0.5% (this VM)",
                "stampd data plane and role (no STAMP packets offered)", PdrBars.Y_TITLE);
        bars.drawOn(chart);
        return chart;
    }
}
